import type { StandardsFramework } from './framework.ts';

const PART_ONE = 'Part one: teaching';
const PART_TWO = 'Part two: personal and professional conduct';

/**
 * The Teachers' Standards as printed in 001 Appendix A. Reflection is asked per heading (the
 * eight standards and part two), not per sub-point, so it takes minutes (issue, dialog 1).
 */
export const TEACHERS_STANDARDS: StandardsFramework = {
  set: 'teachers-standards',
  title: 'Teachers’ Standards',
  source: '001 Appendix A',
  standards: [
    {
      id: 'ts1',
      short: 'Standard 1',
      part: PART_ONE,
      heading: '1 Set high expectations which inspire, motivate and challenge pupils',
      points: [
        '1a. Establish a safe and stimulating environment for pupils, rooted in mutual respect',
        '1b. Set goals that stretch and challenge pupils of all backgrounds, abilities and dispositions',
        '1c. Demonstrate consistently the positive attitudes, values and behaviour which are expected of pupils',
      ],
    },
    {
      id: 'ts2',
      short: 'Standard 2',
      part: PART_ONE,
      heading: '2 Promote good progress and outcomes by pupils',
      points: [
        '2a. Be accountable for pupils’ attainment, progress and outcomes',
        '2b. Be aware of pupils’ capabilities and their prior knowledge, and plan teaching to build on these',
        '2c. Guide pupils to reflect on the progress they have made and their emerging needs',
        '2d. Demonstrate knowledge and understanding of how pupils learn and how this impacts on teaching',
        '2e. Encourage pupils to take a responsible and conscientious attitude to their own work and study',
      ],
    },
    {
      id: 'ts3',
      short: 'Standard 3',
      part: PART_ONE,
      heading: '3 Demonstrate good subject and curriculum knowledge',
      points: [
        '3a. Have a secure knowledge of the relevant subject(s) and curriculum areas, foster and maintain pupils’ interest in the subject, and address misunderstandings',
        '3b. Demonstrate a critical understanding of the developments in the subject and curriculum areas, and promote the value of scholarship',
        '3c. Demonstrate an understanding of and take responsibility for promoting high standards of literacy, articulacy and the correct use of standard English, whatever the teacher’s specialist subject',
        '3d. If teaching early reading, demonstrate a clear understanding of systematic synthetic phonics',
        '3e. If teaching early mathematics, demonstrate a clear understanding of appropriate teaching strategies',
      ],
    },
    {
      id: 'ts4',
      short: 'Standard 4',
      part: PART_ONE,
      heading: '4 Plan and teach well-structured lessons',
      points: [
        '4a. Impart knowledge and develop understanding through effective use of lesson time',
        '4b. Promote a love of learning and children’s intellectual curiosity',
        '4c. Set homework and plan other out-of-class activities to consolidate and extend the knowledge and understanding pupils have acquired',
        '4d. Reflect systematically on the effectiveness of lessons and approaches to teaching',
        '4e. Contribute to the design and provision of an engaging curriculum within the relevant subject area(s)',
      ],
    },
    {
      id: 'ts5',
      short: 'Standard 5',
      part: PART_ONE,
      heading: '5 Adapt teaching to respond to the strengths and needs of all pupils',
      points: [
        '5a. Know when and how to differentiate appropriately, using approaches which enable pupils to be taught effectively',
        '5b. Have a secure understanding of how a range of factors can inhibit pupils’ ability to learn, and how best to overcome these',
        '5c. Demonstrate an awareness of the physical, social and intellectual development of children, and know how to adapt teaching to support pupils’ education at different stages of development',
        '5d. Have a clear understanding of the needs of all pupils, including those with special educational needs; those of high ability; those with English as an additional language; those with disabilities; and be able to use and evaluate distinctive teaching approaches to engage and support them',
      ],
    },
    {
      id: 'ts6',
      short: 'Standard 6',
      part: PART_ONE,
      heading: '6 Make accurate and productive use of assessment',
      points: [
        '6a. Know and understand how to assess the relevant subject and curriculum areas, including statutory assessment requirements',
        '6b. Make use of formative and summative assessment to secure pupils’ progress',
        '6c. Use relevant data to monitor progress, set targets, and plan subsequent lessons',
        '6d. Give pupils regular feedback, both orally and through accurate marking, and encourage pupils to respond to the feedback',
      ],
    },
    {
      id: 'ts7',
      short: 'Standard 7',
      part: PART_ONE,
      heading: '7 Manage behaviour effectively to ensure a good and safe learning environment',
      points: [
        '7a. Have clear rules and routines for behaviour in classrooms, and take responsibility for promoting good and courteous behaviour both in classrooms and around the school, in accordance with the school’s behaviour policy',
        '7b. Have high expectations of behaviour, and establish a framework for discipline with a range of strategies, using praise, sanctions and rewards consistently and fairly',
        '7c. Manage classes effectively, using approaches which are appropriate to pupils’ needs in order to involve and motivate them',
        '7d. Maintain good relationships with pupils, exercise appropriate authority, and act decisively when necessary',
      ],
    },
    {
      id: 'ts8',
      short: 'Standard 8',
      part: PART_ONE,
      heading: '8 Fulfil wider professional responsibilities',
      points: [
        '8a. Make a positive contribution to the wider life and ethos of the school',
        '8b. Develop effective professional relationships with colleagues, knowing how and when to draw on advice and specialist support',
        '8c. Deploy support staff effectively',
        '8d. Take responsibility for improving teaching through appropriate professional development, responding to advice and feedback from colleagues',
      ],
    },
    {
      id: 'part-two',
      short: 'Part two',
      part: PART_TWO,
      heading: 'Part two: personal and professional conduct',
      points: [
        '1. Uphold public trust in the profession and maintain high standards of ethics and behaviour, within and outside school: treating pupils with dignity and observing proper boundaries; safeguarding pupils’ well-being; tolerance of and respect for the rights of others; not undermining fundamental British values; not expressing personal beliefs in ways which exploit pupils’ vulnerability',
        '2. Proper and professional regard for the ethos, policies and practices of the school, and high standards of attendance and punctuality',
        '3. Understand, and always act within, the statutory frameworks which set out professional duties and responsibilities',
      ],
    },
  ],
};
